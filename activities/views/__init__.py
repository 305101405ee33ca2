"""Views of the activities app: public programme pages and catalogue, students' proposals,
and the certificate administrator's pages. Access rules for each are in cil/policy.py."""
