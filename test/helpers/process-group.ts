/**
 * Stops a detached child's whole process group (npm → node → wrangler → workerd): SIGTERM, and
 * SIGKILL if it has not exited within `graceMs`. A group already gone is fine.
 */
export async function stopProcessGroup(
  pid: number,
  exited: Promise<unknown>,
  graceMs = 10_000,
): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const stopped = await Promise.race([
    exited.then(() => true),
    new Promise<false>((r) => setTimeout(() => r(false), graceMs)),
  ]);
  if (!stopped) signal('SIGKILL');
}
