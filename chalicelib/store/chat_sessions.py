"""Seed 001's chat sessions in the `chats` table. Each function names the requests it makes.

Access patterns (table `chats`; these items live here, next to the code that reads them):
  entity                 pk                             sk                  read by
  chat session           CHATSESSION#<session_id>       CHATSESSION         GetItem (history, WebSocket)
  active session         CHATSESSION#ACTIVE#<visitor>   SITE#<site_id>      GetItem (start, upload);
                                                                            Query on pk (an agent's upload)
  session of a conv.     CHATSESSION#CONV#<conv_id>     CHATSESSION         GetItem (a file frame's links)

"One active session per end user per business" is the active-session item: it is created with
`attribute_not_exists(pk)` in the transaction that claims a new session, so of concurrent starts
exactly one claims; the others read the winner's. ConditionFailed names `active_key` (someone
else claimed or released first) or `session_key`.
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute

from chalicelib.model.chat_sessions import ActiveSession, ChatSession
from chalicelib.store.base import Key, delete_if, now, transaction
from chalicelib.store.models import ChatItem


class ChatSessionItem(ChatItem, discriminator="chat_session"):
    session_id = UnicodeAttribute()
    site_id = UnicodeAttribute()
    visitor_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute(null=True)  # set once the conversation is open
    department = UnicodeAttribute(null=True)
    customer = BooleanAttribute(default=False)
    origin = UnicodeAttribute(null=True)

    @staticmethod
    def key(session_id: str) -> Key:
        return f"CHATSESSION#{session_id}", "CHATSESSION"


class ActiveChatSessionItem(ChatItem, discriminator="chat_session_active"):
    site_id = UnicodeAttribute()
    visitor_id = UnicodeAttribute()
    session_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute(null=True)

    @staticmethod
    def partition(visitor_id: str) -> str:
        return f"CHATSESSION#ACTIVE#{visitor_id}"

    @staticmethod
    def key(site_id: str, visitor_id: str) -> Key:
        return ActiveChatSessionItem.partition(visitor_id), f"SITE#{site_id}"


class ConversationSessionItem(ChatItem, discriminator="chat_session_of_conversation"):
    session_id = UnicodeAttribute()
    origin = UnicodeAttribute(null=True)

    @staticmethod
    def key(conversation_id: str) -> Key:
        return f"CHATSESSION#CONV#{conversation_id}", "CHATSESSION"


# -- keys (what a ConditionFailed names) ---------------------------------------------------------

def session_key(session_id: str) -> Key:
    return ChatSessionItem.key(session_id)


def active_key(site_id: str, visitor_id: str) -> Key:
    return ActiveChatSessionItem.key(site_id, visitor_id)


# -- mapping ------------------------------------------------------------------------------------

def _session_of(item: ChatSessionItem) -> ChatSession:
    return ChatSession(session_id=item.session_id, site_id=item.site_id, visitor_id=item.visitor_id,
                       conversation_id=item.conversation_id, created_at=item.created_at or now(),
                       department=item.department, customer=bool(item.customer), origin=item.origin)


def _active_of(item: ActiveChatSessionItem) -> ActiveSession:
    return ActiveSession(site_id=item.site_id, visitor_id=item.visitor_id, session_id=item.session_id,
                         conversation_id=item.conversation_id, claimed_at=item.created_at or now())


# -- reads --------------------------------------------------------------------------------------

def get(session_id: str, consistent: bool = False) -> ChatSession | None:
    """1 GetItem."""
    try:
        return _session_of(ChatSessionItem.get(*ChatSessionItem.key(session_id), consistent_read=consistent))
    except ChatSessionItem.DoesNotExist:
        return None


def active(site_id: str, visitor_id: str) -> ActiveSession | None:
    """The end user's active session at a business: 1 GetItem (strongly consistent: a start
    must see a claim made a moment ago)."""
    try:
        return _active_of(ActiveChatSessionItem.get(*active_key(site_id, visitor_id), consistent_read=True))
    except ActiveChatSessionItem.DoesNotExist:
        return None


def active_anywhere(visitor_id: str) -> list[ActiveSession]:
    """The end user's active sessions at every business (1 Query); a visitor id is one site's in
    practice, so this is one item or none."""
    return [_active_of(item) for item in ActiveChatSessionItem.query(ActiveChatSessionItem.partition(visitor_id))
            if isinstance(item, ActiveChatSessionItem)]


def of_conversation(conversation_id: str) -> tuple[str, str | None] | None:
    """(session_id, origin) of the session a conversation is, or None: 1 GetItem."""
    try:
        item = ConversationSessionItem.get(*ConversationSessionItem.key(conversation_id))
    except ConversationSessionItem.DoesNotExist:
        return None
    return item.session_id, item.origin


# -- writes -------------------------------------------------------------------------------------

def claim(session: ChatSession) -> None:
    """1 TransactWriteItems: the active-session pointer (only if the end user has none at this
    business) and the session, still without its conversation. ConditionFailed names
    `active_key` when another start claimed first."""
    at = session.created_at
    with transaction() as tx:
        tx.save(ActiveChatSessionItem(*active_key(session.site_id, session.visitor_id), site_id=session.site_id,
                                      visitor_id=session.visitor_id, session_id=session.session_id, created_at=at),
                condition=ActiveChatSessionItem.pk.does_not_exist())
        tx.save(ChatSessionItem(*session_key(session.session_id), session_id=session.session_id,
                                site_id=session.site_id, visitor_id=session.visitor_id, department=session.department,
                                customer=session.customer, origin=session.origin, created_at=at),
                condition=ChatSessionItem.pk.does_not_exist())


def opened(session: ChatSession, conversation_id: str) -> None:
    """1 TransactWriteItems: the session and its pointer name their conversation, and the
    conversation names its session. ConditionFailed when the claim was taken over meanwhile."""
    with transaction() as tx:
        tx.update(ChatSessionItem(*session_key(session.session_id)),
                  actions=[ChatSessionItem.conversation_id.set(conversation_id)],
                  condition=ChatSessionItem.pk.exists() & ChatSessionItem.conversation_id.does_not_exist())
        tx.update(ActiveChatSessionItem(*active_key(session.site_id, session.visitor_id)),
                  actions=[ActiveChatSessionItem.conversation_id.set(conversation_id)],
                  condition=ActiveChatSessionItem.session_id == session.session_id)
        tx.save(ConversationSessionItem(*ConversationSessionItem.key(conversation_id),
                                        session_id=session.session_id, origin=session.origin,
                                        created_at=session.created_at))


def release(site_id: str, visitor_id: str, session_id: str) -> None:
    """Drop the active pointer if it still names this session (an ended or abandoned session):
    1 DeleteItem. ConditionFailed names `active_key` when it names another one now."""
    delete_if(ActiveChatSessionItem(*active_key(site_id, visitor_id)),
              ActiveChatSessionItem.session_id == session_id)


def abandon(session: ChatSession) -> None:
    """A claim whose conversation could not be opened: its pointer and the session go (1
    TransactWriteItems), so nothing half-made stays behind."""
    with transaction() as tx:
        tx.delete(ActiveChatSessionItem(*active_key(session.site_id, session.visitor_id)),
                  condition=ActiveChatSessionItem.session_id == session.session_id)
        tx.delete(ChatSessionItem(*session_key(session.session_id)))
