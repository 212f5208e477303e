"""Writes to the catalog, by concern:

- imports: the catalog import (README, "Adding an installer") and taxonomy_ensure;
- generate: synthetic catalogs in bulk;
- members: an installer's team and its roles;
- items: the workspace's writes of an installer's items and service locations;
- images: installer logos and photos, checked and re-encoded with Pillow;
- profile: who the installer is (founding year, licence, certifications) and its working hours;
- fields: helpers shared by these writers (and orders' technician records).

Their row locks are catalog.lock_objects'.

Every public name is re-exported here: `from catalog.services import X` works for all of them."""

from catalog.services.fields import fields_assign as fields_assign
from catalog.services.fields import validated_save as validated_save
from catalog.services.generate import GenerateResult as GenerateResult
from catalog.services.generate import catalog_generate as catalog_generate
from catalog.services.images import image_open as image_open
from catalog.services.images import image_upload_read as image_upload_read
from catalog.services.images import provider_logo_set as provider_logo_set
from catalog.services.images import provider_photo_add as provider_photo_add
from catalog.services.images import provider_photo_remove as provider_photo_remove
from catalog.services.imports import ImportResult as ImportResult
from catalog.services.imports import catalog_import as catalog_import
from catalog.services.imports import taxonomy_ensure as taxonomy_ensure
from catalog.services.items import EQUIPMENT_FIELDS as EQUIPMENT_FIELDS
from catalog.services.items import ITEM_FIELDS as ITEM_FIELDS
from catalog.services.items import LOCATION_FIELDS as LOCATION_FIELDS
from catalog.services.items import item_active_set as item_active_set
from catalog.services.items import item_problems as item_problems
from catalog.services.items import item_save as item_save
from catalog.services.items import location_problems as location_problems
from catalog.services.items import service_location_save as service_location_save
from catalog.services.members import member_add as member_add
from catalog.services.members import member_emails_set as member_emails_set
from catalog.services.members import member_invitation_send as member_invitation_send
from catalog.services.members import member_invite as member_invite
from catalog.services.members import member_remove as member_remove
from catalog.services.members import member_role_set as member_role_set
from catalog.services.members import member_update as member_update
from catalog.services.members import role_group as role_group
from catalog.services.profile import provider_profile_update as provider_profile_update
from catalog.services.profile import (
    provider_working_hours_update as provider_working_hours_update,
)
