/**
 * Start-up cannot go on because of its input or its surroundings (a bad flag value, a port in
 * use, an unreadable file, a broker that never answered). The message says what is wrong and how
 * to fix it; `registrum serve` prints it as one line and exits with 2.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError'
}
