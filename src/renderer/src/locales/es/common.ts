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
  explain: {
    spend: { short: '{{amount}} gastados', full: '{{rate}} por cada {{unit}} sobre {{amount}}' },
    spendRule: {
      short: '{{multiplier}} {{rule}}',
      full: '{{rule}}: {{rate}} por cada {{unit}} × {{factor}} sobre {{amount}}',
    },
    visit: {
      short: 'Visita',
      full: '{{points}} por la visita',
      fullMinimum: '{{points}} por la visita (gastó al menos {{minimum}})',
    },
    promotion: {
      short: '{{label}}',
      full: '{{name}} ({{schedule}}): {{multiplier}} los puntos base (esta línea es el extra)',
      fullBonus: '{{name}} ({{schedule}}): {{points}} de bonificación',
    },
    tier: {
      short: '{{name}} {{multiplier}}',
      full: 'Nivel {{name}} ({{points}} en los últimos {{windowDays}} días): {{multiplier}} los puntos base (esta línea es el extra)',
    },
    excludedTaxTip: {
      short: 'Impuestos',
      shortTip: 'Propina',
      shortBoth: 'Impuestos y propina',
      full: 'No cuenta: impuestos {{tax}}',
      fullTip: 'No cuenta: propina {{tip}}',
      fullBoth: 'No cuenta: impuestos {{tax}} y propina {{tip}}',
    },
    excludedRule: { short: '{{rule}}', full: 'No cuenta: {{rule}}, {{amount}}' },
    excludedReward: {
      short: 'Pagado con una recompensa',
      full: 'No cuenta: pagado con una recompensa, {{amount}}',
    },
    excludedNotIncluded: {
      short: 'Fuera de las categorías con puntos',
      full: 'No cuenta: fuera de las categorías con puntos, {{amount}}',
    },
    belowMinimum: {
      short: 'Por debajo del gasto mínimo',
      full: 'Por debajo del gasto mínimo: cuentan {{eligible}} para los puntos; el mínimo es {{minimum}}',
    },
    noPurchase: {
      short: 'Sin compra',
      full: 'Sin compra: este programa da puntos solo por una compra de un importe mínimo',
    },
    schedule: {
      everyDay: 'todos los días',
      hours: '{{from}}–{{to}}',
      between: 'del {{start}} al {{end}}',
      from: 'desde el {{start}}',
      until: 'hasta el {{end}}',
      separator: ', ',
    },
    days: {
      monday: 'los lunes',
      tuesday: 'los martes',
      wednesday: 'los miércoles',
      thursday: 'los jueves',
      friday: 'los viernes',
      saturday: 'los sábados',
      sunday: 'los domingos',
    },
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
