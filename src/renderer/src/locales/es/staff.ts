import type { CatalogShape } from '../catalog';
import type { staff as en } from '../en/staff';

export const staff: CatalogShape<typeof en> = {
  title: 'Personal',
};
