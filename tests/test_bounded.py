from bot.conversation.bounded import BoundedDict


def test_oldest_keys_are_forgotten():
    d: BoundedDict[int, int] = BoundedDict(3)
    for i in range(5):
        d[i] = i
    assert list(d) == [2, 3, 4]
    d[2] = 20  # touching a key makes it the newest
    d[5] = 5
    assert list(d) == [4, 2, 5]
