import { join } from "node:path";

/**
 * Where overlayscope keeps what it can make again but would rather not: the lab's root
 * filesystem, read symbol tables. OVERLAYSCOPE_CACHE moves it (the kernel matrix honours it too).
 */
export function cacheDir(...sub: string[]): string {
  return join(process.env.OVERLAYSCOPE_CACHE || "/var/cache/overlayscope", ...sub);
}
