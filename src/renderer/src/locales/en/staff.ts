/** The staff screens: PIN, cashier, manager (src/renderer/src/staff). */
export const staff = {
  title: 'Staff',
} as const;
