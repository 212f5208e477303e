"""Reads of orders and of what an order would cost, shared by every front door.

- pricing: the quote of an installer's items (offer_quote, item_quote);
- buyer: an order as its buyer (a buyer app, a homeowner) sees it, and order_detail;
- board: the installer workspace's scoped reads and the board;
- availability: appointments and the technicians' diaries;
- technicians: technicians, their certifications and calendar;
- insights: aggregates of an installer's orders.

Every public name is re-exported here: `from orders.selectors import X` works for all of them."""

from orders.selectors.availability import (
    Booking as Booking,
)
from orders.selectors.availability import (
    TechnicianDay as TechnicianDay,
)
from orders.selectors.availability import (
    default_schedule_day as default_schedule_day,
)
from orders.selectors.availability import (
    next_appointments as next_appointments,
)
from orders.selectors.availability import (
    order_windows as order_windows,
)
from orders.selectors.availability import (
    provider_working_hours as provider_working_hours,
)
from orders.selectors.availability import (
    suggested_technician_type as suggested_technician_type,
)
from orders.selectors.availability import (
    technician_availability as technician_availability,
)
from orders.selectors.availability import (
    technician_bookings as technician_bookings,
)
from orders.selectors.availability import (
    technician_clashes as technician_clashes,
)
from orders.selectors.board import (
    BOARD_COLUMN_LIMIT as BOARD_COLUMN_LIMIT,
)
from orders.selectors.board import (
    BOARD_COLUMNS as BOARD_COLUMNS,
)
from orders.selectors.board import (
    PRIORITY_RANK as PRIORITY_RANK,
)
from orders.selectors.board import (
    BoardColumn as BoardColumn,
)
from orders.selectors.board import (
    BoardFilters as BoardFilters,
)
from orders.selectors.board import (
    board_orders as board_orders,
)
from orders.selectors.board import (
    member_order as member_order,
)
from orders.selectors.board import (
    member_orders as member_orders,
)
from orders.selectors.board import (
    member_technicians as member_technicians,
)
from orders.selectors.board import (
    order_board as order_board,
)
from orders.selectors.board import (
    provider_cities as provider_cities,
)
from orders.selectors.buyer import (
    homeowner_orders as homeowner_orders,
)
from orders.selectors.buyer import (
    homeowner_reference as homeowner_reference,
)
from orders.selectors.buyer import (
    order_by_tracking_token as order_by_tracking_token,
)
from orders.selectors.buyer import (
    order_closed_at as order_closed_at,
)
from orders.selectors.buyer import (
    order_detail as order_detail,
)
from orders.selectors.buyer import (
    order_for_buyer as order_for_buyer,
)
from orders.selectors.buyer import (
    order_for_homeowner as order_for_homeowner,
)
from orders.selectors.buyer import (
    public_events as public_events,
)
from orders.selectors.insights import orders_per_week as orders_per_week
from orders.selectors.insights import phase_durations as phase_durations
from orders.selectors.pricing import (
    Quote as Quote,
)
from orders.selectors.pricing import (
    charge_breakup as charge_breakup,
)
from orders.selectors.pricing import (
    item_quote as item_quote,
)
from orders.selectors.pricing import (
    offer_quote as offer_quote,
)
from orders.selectors.technicians import (
    CERTIFICATION_WARNING_DAYS as CERTIFICATION_WARNING_DAYS,
)
from orders.selectors.technicians import (
    Assignment as Assignment,
)
from orders.selectors.technicians import (
    CertificationStatus as CertificationStatus,
)
from orders.selectors.technicians import (
    linkable_technicians as linkable_technicians,
)
from orders.selectors.technicians import (
    provider_technicians as provider_technicians,
)
from orders.selectors.technicians import (
    technician_assignments as technician_assignments,
)
from orders.selectors.technicians import (
    technician_certifications as technician_certifications,
)
