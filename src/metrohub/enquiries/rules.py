"""Enquiry permissions: anyone logged in may ask; who sees which enquiry is scope
(enquiries/services.enquiries_for: 404 outside it)."""

import rules

rules.add_perm("enquiries.send", rules.is_authenticated)
rules.add_perm("enquiries.view_own", rules.is_authenticated)
