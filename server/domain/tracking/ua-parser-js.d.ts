/** The part of ua-parser-js 1.x (MIT; it ships no types, and @types is not installed) used here. */
declare module 'ua-parser-js' {
  interface Part {
    name?: string
    version?: string
    major?: string
  }
  export class UAParser {
    constructor(ua?: string)
    getResult(): { browser: Part; os: Part; device: { type?: string; vendor?: string; model?: string } }
  }
}
