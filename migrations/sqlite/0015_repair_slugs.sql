-- Slugs made before slugs were checked (issue 16): a title with no letter
-- or digit gave '' (its catalogue link answered 404 and every edit was
-- refused) and, for a second such title, '-' and a suffix. They get the
-- slug such titles get now.
UPDATE events SET slug = 'evenement' || slug WHERE slug LIKE '-%';
UPDATE events SET slug = 'evenement-' || lower(hex(randomblob(2))) WHERE slug = '';
