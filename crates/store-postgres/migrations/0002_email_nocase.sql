-- An email is taken in an organization whatever its letter case, as lookups by email
-- ignore case: two people must never answer to the same address.
CREATE UNIQUE INDEX people_email_nocase ON people (org_id, lower(email));
