"""The shopping funnel's maths: sessions, funnel counts, the Markov model of a session. No
Django here (import-linter's "Maths modules import no Django")."""
