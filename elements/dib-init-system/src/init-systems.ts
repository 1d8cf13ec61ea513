/** The init systems DIB knows; install.d/20-dib-init-system-scripts knows where each reads its files. */
export const INIT_SYSTEM_NAMES = ['systemd', 'openrc', 'sysv', 'upstart'] as const;

export type InitSystem = (typeof INIT_SYSTEM_NAMES)[number];

export const isInitSystem = (name: string): name is InitSystem => (INIT_SYSTEM_NAMES as readonly string[]).includes(name);
