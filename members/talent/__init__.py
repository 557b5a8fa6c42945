"""The interests and skills register, the candidate pipeline and forums (issue 6,
parts 6-8): services, the portal's pages and the office roles' permissions."""
