// Types for the npm package `des.js` (indutny; DES and DES-EDE3 with CBC), which ships none.
declare module 'des.js' {
  interface DesCipher {
    update(data: ArrayLike<number>): number[];
    final(): number[];
  }
  interface DesMode {
    create(options: { type: 'encrypt' | 'decrypt'; key: ArrayLike<number>; iv?: ArrayLike<number>; padding?: boolean }): DesCipher;
  }
  interface DesCbc {
    instantiate(base: DesMode): DesMode;
  }
  const des: { DES: DesMode; EDE: DesMode; CBC: DesCbc };
  export default des;
}
