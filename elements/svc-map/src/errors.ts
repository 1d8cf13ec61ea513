import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_SVC_MAP_INVALID: {
    title: "An element's svc-map file is not a valid service map",
    hint: 'Make the file a YAML mapping of service names to { DISTRO | FAMILY | default: NAME }, with names of letters, digits and . _ @ : + - only.',
  },
  DIB_E_SVC_MAP_DUPLICATE: {
    title: 'Two elements map the same service name',
    hint: "Each service name may be mapped by one element of the build: remove it from one element's svc-map file, or leave one of the elements out.",
  },
});
