/**
 * First byte after the kernel's static data. The engine lays its arena out from here (rounded up
 * to 16 bytes); the kernel itself never allocates, so nothing else lives above this address.
 */
export function heap_base(): usize {
  return __heap_base;
}
