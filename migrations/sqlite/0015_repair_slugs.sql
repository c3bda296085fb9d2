-- Slugs made before slugs were checked (issue 16): a title with no letter
-- or digit gave '' (its catalogue link answered 404 and every edit was
-- refused), a second such title '-' and a suffix, and a slug could be
-- chosen that reads as an event id. Each gets 'evenement-' and the end of
-- its event's id: unique, as ids are, and never taken by a slug made now
-- (those suffixes are four characters).
UPDATE events SET slug = 'evenement-' || lower(substr(hex(id), 25, 8))
WHERE slug = '' OR slug LIKE '-%'
   OR (length(replace(slug, '-', '')) = 32 AND replace(slug, '-', '') NOT GLOB '*[^0-9a-fA-F]*');
