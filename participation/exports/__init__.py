"""Files that leave the app: responses CSV, research pack, summary reports and PDFs."""
