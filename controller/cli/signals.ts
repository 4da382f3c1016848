/** Resolves on the first SIGINT or SIGTERM: how systemd and Ctrl-C stop the controller. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
