"""What the chat keeps in the browser's session.

STARTED_KEY: the session key under which the visitor's first conversation started. login()
cycles the key, so the receiver that hands a visitor's conversations to the shopper signing in
reads it from here (the session's data is the server's: a visitor cannot forge it).
CHOSEN: the conversation the shopper chose to continue from their account page."""

STARTED_KEY = "support_session_key"
CHOSEN = "support_conversation"
