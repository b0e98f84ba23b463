/** "3 of 5 seats used" and, at the limit, why inviting is off. */
import type { components } from '../../api/schema';

export type Seats = components['schemas']['Seats'];

export const atSeatLimit = (seats: Seats): boolean => seats.limit !== null && seats.used >= seats.limit;

export function seatText(seats: Seats): string {
  return seats.limit === null
    ? `${seats.used} ${seats.used === 1 ? 'seat' : 'seats'} used (no limit)`
    : `${seats.used} of ${seats.limit} seats used`;
}

export const SEAT_LIMIT_REASON =
  'All seats are taken. Deactivate or delete someone, or move to a bigger plan, to invite more people.';

export function SeatIndicator({ seats, id }: { seats: Seats; id: string }) {
  return (
    <div className="seats">
      <p id={id} className="seat-count">
        {seatText(seats)}
      </p>
      {seats.limit !== null ? (
        <meter
          min={0}
          max={seats.limit}
          value={seats.used}
          high={Math.max(seats.limit - 0.5, 0)}
          aria-labelledby={id}
        />
      ) : null}
    </div>
  );
}
