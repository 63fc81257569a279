-- The first page of a PDF as an image, for the viewer (see preview.rs and pdf.rs): kept
-- per content like thumbnails, sealed, or the reason it was refused.
CREATE TABLE drive_pages (
    version_id  INTEGER PRIMARY KEY REFERENCES drive_versions(id) ON DELETE CASCADE,
    state       TEXT NOT NULL CHECK (state IN ('ready', 'refused')),
    image       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT ''
) STRICT;
