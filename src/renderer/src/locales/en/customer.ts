/** The customer check-in screen (src/renderer/src/customer). */
export const customer = {
  attract: { title: 'Check in for points', touch: 'Touch to start' },
} as const;
