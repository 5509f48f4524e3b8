import type { CatalogShape } from '../catalog';
import type { customer as en } from '../en/customer';

export const customer: CatalogShape<typeof en> = {
  attract: { title: 'Registre su visita y sume puntos', touch: 'Toque para empezar' },
};
