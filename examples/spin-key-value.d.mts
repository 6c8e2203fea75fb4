/** Types of spin-key-value.mjs: the imports it provides, by unversioned interface name. */
declare const imports: { 'fermyon:spin/key-value': { Store: unknown } };
export default imports;
