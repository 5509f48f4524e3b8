import { z } from 'zod';
import {
  POS_API_VERSION,
  PosErrorSchema,
  PosRefundRequestSchema,
  PosRefundResultSchema,
  PosSaleRequestSchema,
  PosSaleViewSchema,
} from '../../shared/pos';

/** The OpenAPI 3.1 document of the POS link, generated from the zod contract (src/shared/pos.ts). */
let cached: unknown = null;

export function openApiDocument(): unknown {
  cached ??= build();
  return cached;
}

function schema(value: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(value, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

function build() {
  const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
  const error = (description: string) => ({ description, content: json('Error') });
  const errors = {
    '400': error('Malformed JSON, or a body or path that breaks the contract (see error.field).'),
    '401': error('Missing or wrong Bearer token.'),
    '403': error('The Host header does not name this kiosk.'),
    '413': error('Body larger than 64 kB.'),
    '429': error('Too many requests.'),
  };
  const receiptId = {
    name: 'receiptId',
    in: 'path',
    required: true,
    description: 'The POS receipt id (URL-encoded).',
    schema: { type: 'string', maxLength: 64 },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Loyalty kiosk POS link',
      version: POS_API_VERSION,
      description:
        'Local API through which the point-of-sale software posts sales, reads check-ins and rewards, ' +
        'cancels and refunds. Money is integer minor units (1250 = 12.50) with an ISO 4217 code.',
    },
    servers: [{ url: 'http://127.0.0.1:7311' }],
    security: [{ bearer: [] }],
    paths: {
      '/v1/sales': {
        post: {
          summary: 'Post a sale awaiting check-in (idempotent by receiptId).',
          requestBody: { required: true, content: json('SaleRequest') },
          responses: {
            '201': { description: 'Created.', content: json('Sale') },
            '200': { description: 'The same receiptId and body were posted before.', content: json('Sale') },
            '409': error('The receiptId was posted with a different body, or already earned.'),
            '422': error("The currency is not the store's."),
            ...errors,
          },
        },
      },
      '/v1/sales/{receiptId}': {
        parameters: [receiptId],
        get: {
          summary: 'Status, masked customer, points earned and rewards applied.',
          responses: {
            '200': { description: 'The sale.', content: json('Sale') },
            '404': error('No such sale.'),
            ...errors,
          },
        },
        delete: {
          summary: 'Cancel a sale still awaiting check-in (idempotent).',
          responses: {
            '200': { description: 'The cancelled sale.', content: json('Sale') },
            '404': error('No such sale.'),
            '409': error('The sale was checked in or expired.'),
            ...errors,
          },
        },
      },
      '/v1/sales/{receiptId}/refund': {
        parameters: [receiptId],
        post: {
          summary: 'Refund part or all of a checked-in sale; answers the points reversed.',
          requestBody: { required: false, content: json('RefundRequest') },
          responses: {
            '200': { description: 'Refunded.', content: json('RefundResult') },
            '404': error('No such sale.'),
            '409': error('Nobody checked in for this sale.'),
            '422': error('The refund is more than what is left of the sale, or in another currency.'),
            ...errors,
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        SaleRequest: schema(PosSaleRequestSchema, 'input'),
        Sale: schema(PosSaleViewSchema, 'output'),
        RefundRequest: schema(PosRefundRequestSchema, 'input'),
        RefundResult: schema(PosRefundResultSchema, 'output'),
        Error: schema(PosErrorSchema, 'output'),
      },
    },
  };
}
