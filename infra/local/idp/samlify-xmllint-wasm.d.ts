/** The schema validator samlify is given (the package ships no types). */
declare module '@authenio/samlify-xmllint-wasm' {
  export function validate(xml: string): Promise<unknown>;
}
