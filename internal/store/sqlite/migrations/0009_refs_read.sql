-- refs holds only the references that reads follow and that settle TLP
-- levels: markings, the contents of containers and the ends of
-- relationships and sightings (refProps in import.go). Authors are in
-- objects.created_by; every reference stays in the object's JSON.
DELETE FROM refs WHERE prop NOT IN ('object_marking_refs', 'granular_markings.marking_ref',
	'object_refs', 'source_ref', 'target_ref', 'sighting_of_ref', 'observed_data_refs', 'where_sighted_refs');
