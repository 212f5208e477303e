"""Writes to orders, by concern:

- orders: an order's life (placing it, phases, safety, completion, cancellation, payment,
  billing, site notes);
- scheduling: its appointments and its technician;
- technicians: an installer's technician records;
- homeowners: homeowners' accounts;
- changes: OrderChanges, how every change is kept on the timeline and announced.

Every change locks the order (orders.lock_objects), checks the transition (an illegal one raises
an OrderError), records who did it and why, and sends `order_changed` inside the same
transaction. Every public name is re-exported here: `from orders.services import X` works."""

from orders.services.changes import OrderChanges as OrderChanges
from orders.services.homeowners import homeowner_create as homeowner_create
from orders.services.orders import ID_ALPHABET as ID_ALPHABET
from orders.services.orders import PHASES as PHASES
from orders.services.orders import Billing as Billing
from orders.services.orders import Customer as Customer
from orders.services.orders import PlacementTerms as PlacementTerms
from orders.services.orders import order_billing_update as order_billing_update
from orders.services.orders import order_cancel as order_cancel
from orders.services.orders import order_complete as order_complete
from orders.services.orders import order_note_add as order_note_add
from orders.services.orders import order_payment_record as order_payment_record
from orders.services.orders import order_phase_advance as order_phase_advance
from orders.services.orders import order_place as order_place
from orders.services.orders import order_safety_record as order_safety_record
from orders.services.scheduling import order_reschedule as order_reschedule
from orders.services.scheduling import order_schedule as order_schedule
from orders.services.scheduling import order_technician_assign as order_technician_assign
from orders.services.technicians import TECHNICIAN_FIELDS as TECHNICIAN_FIELDS
from orders.services.technicians import certification_add as certification_add
from orders.services.technicians import certification_remove as certification_remove
from orders.services.technicians import technician_save as technician_save
from orders.services.technicians import technician_user_set as technician_user_set
