import type { CatalogShape } from '../catalog';
import type { common as en } from '../en/common';

export const common: CatalogShape<typeof en> = {
  appTitle: 'Registro de puntos',
  points_one: '{{count, number}} punto',
  points_other: '{{count, number}} puntos',
  points_many: '{{count, number}} de puntos',
  loading: 'Un momento…',
  back: 'Atrás',
  cancel: 'Cancelar',
  close: 'Cerrar',
  error: {
    title: 'Algo salió mal',
    body: 'El quiosco tuvo un problema que no pudo resolver. Pida ayuda a un empleado.',
    restart: 'Empezar de nuevo',
    noService: 'El servicio del quiosco no responde. Pida ayuda a un empleado.',
  },
  sync: {
    online: 'En línea',
    offline: 'Sin conexión: los puntos se guardan en este quiosco',
    syncing: 'Sincronizando…',
    notPaired: 'Sin conexión a un servidor',
  },
  codes: {
    invalid_phone: 'Ese número de teléfono no es válido.',
    not_enrolled: 'Este número de teléfono aún no se ha unido al programa.',
    consent_required: 'Hay que aceptar las condiciones del programa para unirse.',
    already_enrolled: 'Este número de teléfono ya se unió al programa.',
    already_checked_in: 'Este recibo ya sumó puntos.',
    insufficient_points: 'No hay puntos suficientes para esta recompensa.',
    reward_not_available: 'Esta recompensa no se puede canjear ahora.',
    unknown_receipt: 'No hay ningún registro con este recibo.',
    refund_exceeds_sale: 'La devolución supera lo que queda por devolver en este recibo.',
    staff_required: 'Un empleado debe entrar primero con su PIN.',
    manager_required: 'Solo un encargado puede hacer esto. Entre con un PIN de encargado.',
    wrong_pin: 'Ese PIN no es correcto.',
    staff_locked: 'Demasiados PIN incorrectos. La entrada del personal está bloqueada unos minutos.',
    internal: 'El quiosco no pudo terminar. Inténtelo de nuevo.',
  },
};
