/** The root filesystem's label when the user and the layout set none, as DIB's (cloud images find their root by it). */
export const DEFAULT_ROOT_LABEL = 'cloudimg-rootfs';
