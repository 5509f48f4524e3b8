/**
 * The loyalty rules engine: pure functions of (program, customer state, sale, instant). No I/O, no
 * clock: the same arguments always give the same answer, on the till and on the server alike.
 * docs/rules.md explains the program document; rounding.ts states the one rounding rule.
 */
export { evaluateCheckIn, type CheckInCustomer, type CheckInEvaluation } from './check-in';
export {
  earn,
  type EarnedLine,
  type EarnedReceipt,
  type Earning,
  type EarnLineKind,
  type EarnWhen,
} from './earn';
export type { SaleForEarn, SaleLineForEarn } from './basis';
export { EARN_MESSAGE_IDS, type EarnMessage, type EarnMessageId, type MessageMoney } from './message';
export { checkInDecision, type CheckInDecision, type CheckInHistory } from './abuse';
export { qualifiedTier, tierFor, tierProgress, type TierProgress, type TierStanding } from './tiers';
export { choosePromotions, promotionRunsAt, qualifyingPromotions } from './promotions';
export {
  limitPeriodStart,
  offlineRedemptionAllowance,
  redemptionDecision,
  rewardDiscount,
  type RedemptionDecision,
  type RedemptionState,
} from './rewards';
export {
  addLot,
  balanceOf,
  EMPTY_BOOK,
  expireLots,
  lotExpiresOn,
  newLot,
  nextExpiry,
  takePoints,
  type LotBook,
  type PointsLot,
  type Taking,
} from './expiry';
export { expiring, replayLots, type ExpiredLot, type ReplayedBook, type ReplayEvent } from './expiry-replay';
export {
  NO_REFUND_YET,
  refundReceipt,
  reversalTarget,
  type RedemptionOnReceipt,
  type RefundOutcome,
  type RefundProgress,
  type RefundRefusal,
  type RefundRequest,
} from './refunds';
export { floorDiv, proportionalShare, splitByCumulativeFloor, wholePoints } from './rounding';
export { DAY_NAMES, type DayName } from './calendar';
export * from './schema';
