"""What a shopper's message means: language, intent, entities, FAQ retrieval. Imports no Django
(maths module, see docs/architecture.md), so it is trained, evaluated and benchmarked alone."""
