"""Document assembly: render docxtpl templates in a sandbox, draw the organisationsdiagram, convert to
PDF/A with LibreOffice, write the outputs atomically with a manifest."""
