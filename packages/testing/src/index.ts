/**
 * @dib/testing: what element authors (and dib's own tests) need to check a build the
 * way a user would: run the real CLI, look inside the output, and prove nothing leaked.
 */
export { runDib, DIB_BIN, type DibRun } from './run-dib.js';
export { listTar, readTarFile } from './tarball.js';
export { hostState, leakedSince, processesMatching, type HostState } from './host-state.js';
export { planBuild, loadElement, runElementHook, type PlanBuildOptions, type RunHookOptions, type HookRun } from './in-process.js';
export { stubCommands, FLOCK_STUB, type StubCommands } from './stub-commands.js';
export { scratchSpace, type ScratchSpace } from './scratch-space.js';
export { serveDirectory, GUEST_HOST_ADDRESS, type FileServer, type ServeOptions } from './file-server.js';
export { makeSigningKey, type SigningKey } from './signing-key.js';
export { writeClassicElement, writeElementFiles, writePackageElement, type ClassicElementSpec, type PackageElementSpec } from './fixtures.js';
export { bootImage, consoleTail, findOvmf, kvmUsable, LOGIN_PROMPT, type BootOptions, type BootResult, type BootDisk, type BootStep } from '@dib/qemu';
