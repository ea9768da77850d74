"""The unit register: units, buildings, exclusive areas, owner keys; the CSV import."""
