/** The parts of `psl` (the Public Suffix List) Roster uses: its own typings are not reachable through its `exports`. */
declare module 'psl' {
  export interface ParsedDomain {
    input: string;
    tld: string | null;
    sld: string | null;
    domain: string | null;
    subdomain: string | null;
    /** The TLD is on the Public Suffix List. */
    listed: boolean;
  }
  export function parse(input: string): ParsedDomain | { input: string; error: { code: string; message: string } };
  export function get(domain: string): string | null;
}
