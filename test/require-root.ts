/**
 * Global setup of the integration project: the suites build real images and need root.
 * On a developer's machine without root they are skipped; in CI (CI set), where they are
 * expected to run, a missing root fails the run instead of passing with nothing tested.
 */
export default function requireRoot(): void {
  if (process.env.CI && process.getuid?.() !== 0) {
    throw new Error(
      'integration tests need root (real builds: chroot, mounts, mkfs); CI must run them as root. Run as root, or unset CI to skip them locally.',
    );
  }
}
