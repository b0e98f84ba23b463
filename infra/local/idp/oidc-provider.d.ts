/** The little of oidc-provider's API the local IdP uses (the package ships no types). */
declare module 'oidc-provider' {
  import type { Server } from 'node:http';
  export default class Provider {
    constructor(issuer: string, configuration: unknown);
    proxy: boolean;
    listen(port: number, host?: string): Server;
    Grant: new (init: {
      clientId: string;
      accountId: string;
    }) => {
      addOIDCScope(scope: string): void;
      save(): Promise<string>;
    };
  }
}
