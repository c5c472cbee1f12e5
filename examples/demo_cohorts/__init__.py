"""The two fictitious demo cohorts: their content, and its writing as DDI-L 3.3 (lxml only, no ddicat)."""
