// Types of the part of picomatch 4 the instrumenter uses (the package ships none).
declare module 'picomatch' {
  interface PicomatchOptions {
    dot?: boolean;
    nobrace?: boolean;
    noextglob?: boolean;
    posixSlashes?: boolean;
  }
  function picomatch(patterns: string | string[], options?: PicomatchOptions): (input: string) => boolean;
  export default picomatch;
}
