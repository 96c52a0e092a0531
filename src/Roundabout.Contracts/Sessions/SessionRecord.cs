using System.Buffers.Text;
using System.Text;

namespace Roundabout.Contracts.Sessions;

/// <summary>
/// What a store keeps for one client session on one accumulator, so that a retried Multiply is
/// applied once (Raft's client sessions; Kafka's producer id and sequence): the confirmation
/// floor (every sequence below it has its answer at the client, or was given up) and the answers
/// of the sequences at or above it. Each request moves the floor up and drops the answers below
/// it, so the record holds about as many answers as the client has calls in flight, whatever the
/// traffic. Every store keeps it the same way: the embedded database in the same commit as the
/// accumulator, the Redis script (which mirrors this code), and the etcd transaction.
/// Encoded as ASCII, readable when a learner lists the store: the floor, then <c> seq=answer</c>
/// for each kept answer in ascending order, for example <c>5 6=42 7=-84</c>.
/// </summary>
public sealed class SessionRecord
{
    /// <summary>
    /// The most answers one record keeps. A client with more calls in flight on one accumulator
    /// (or one that never moves its floor) is refused with <see cref="SessionDecision.TooManyInFlight"/>
    /// rather than growing the record without bound.
    /// </summary>
    public const int MaxAnswers = 1024;

    private readonly SortedList<ulong, byte[]> _answers;

    private SessionRecord(ulong floor, SortedList<ulong, byte[]> answers)
    {
        Floor = floor;
        _answers = answers;
    }

    /// <summary>Every sequence below this has been confirmed by the client; none of them is applied again.</summary>
    public ulong Floor { get; private set; }

    /// <summary>How many answers the record keeps.</summary>
    public int Count => _answers.Count;

    /// <summary>The kept answers, by sequence (tests and the docs' examples).</summary>
    public IEnumerable<KeyValuePair<ulong, byte[]>> Answers => _answers;

    /// <summary>A record for a session the store has not seen, with nothing confirmed yet.</summary>
    public static SessionRecord Empty() => new(1, []);

    /// <summary>
    /// What to do with sequence <paramref name="sequence"/> sent with floor
    /// <paramref name="confirmedBelow"/>, given the stored record (null when the store holds none).
    /// On <see cref="SessionDecision.Apply"/> the caller applies the multiply and then calls
    /// <see cref="Remember"/>; on <see cref="SessionDecision.Replay"/>, <paramref name="answer"/> is the
    /// first result. <paramref name="record"/> is the record to write back when <paramref name="changed"/>.
    /// </summary>
    public static SessionDecision Decide(SessionRecord? stored, ulong sequence, ulong confirmedBelow, out SessionRecord record, out byte[]? answer, out bool changed)
    {
        answer = null;
        changed = false;
        if (stored is null)
        {
            record = Empty();
            if (confirmedBelow > 1)
            {
                // The client has answers below its floor, so the store knew this session once:
                // the record expired (idle past its TTL) or was lost. Whether this sequence was
                // applied cannot be known, so nothing is applied now.
                return SessionDecision.UnknownSession;
            }
        }
        else
        {
            record = stored;
        }

        if (confirmedBelow > record.Floor)
        {
            record.Floor = confirmedBelow;
            while (record._answers.Count > 0 && record._answers.Keys[0] < confirmedBelow)
            {
                record._answers.RemoveAt(0);
            }

            changed = true;
        }

        if (sequence < record.Floor)
        {
            // The client confirmed this sequence already: this is a late copy of an old attempt.
            return SessionDecision.AlreadyConfirmed;
        }

        if (record._answers.TryGetValue(sequence, out answer))
        {
            return SessionDecision.Replay;
        }

        return record._answers.Count >= MaxAnswers ? SessionDecision.TooManyInFlight : SessionDecision.Apply;
    }

    /// <summary>Keeps <paramref name="answer"/> (decimal ASCII) as the first result of <paramref name="sequence"/>.</summary>
    public void Remember(ulong sequence, byte[] answer) => _answers[sequence] = answer;

    /// <summary>Checks the fields a request carries: sequences start at 1 and the floor is at most the sequence.</summary>
    public static string? Validate(ulong sequence, ulong confirmedBelow) =>
        sequence == 0 ? "sequence must be 1 or more"
        : confirmedBelow == 0 ? "confirmed_below must be 1 or more"
        : confirmedBelow > sequence ? $"confirmed_below ({confirmedBelow}) must not pass the sequence ({sequence}): a call is confirmed only once its answer arrived"
        : null;

    public byte[] Encode()
    {
        var length = 20;
        foreach (var (_, value) in _answers)
        {
            length += 22 + value.Length;
        }

        var buffer = new byte[length];
        Utf8Formatter.TryFormat(Floor, buffer, out var written);
        foreach (var (sequence, value) in _answers)
        {
            buffer[written++] = (byte)' ';
            Utf8Formatter.TryFormat(sequence, buffer.AsSpan(written), out var n);
            written += n;
            buffer[written++] = (byte)'=';
            value.CopyTo(buffer, written);
            written += value.Length;
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    /// <summary>Parses a stored record; false when the bytes are not one (a value written there by hand, say).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> text, out SessionRecord record)
    {
        record = Empty();
        var space = text.IndexOf((byte)' ');
        var head = space < 0 ? text : text[..space];
        if (!Utf8Parser.TryParse(head, out ulong floor, out var used) || used != head.Length || floor == 0)
        {
            return false;
        }

        var answers = new SortedList<ulong, byte[]>();
        var rest = space < 0 ? [] : text[(space + 1)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)' ');
            var item = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            var equals = item.IndexOf((byte)'=');
            if (equals <= 0 || !Utf8Parser.TryParse(item[..equals], out ulong sequence, out used) || used != equals
                || sequence < floor || equals == item.Length - 1 || !answers.TryAdd(sequence, item[(equals + 1)..].ToArray()))
            {
                return false;
            }
        }

        record = new SessionRecord(floor, answers);
        return true;
    }

    public override string ToString() => Encoding.ASCII.GetString(Encode());
}

/// <summary>What a store does with one sequence of a session.</summary>
public enum SessionDecision
{
    /// <summary>New: apply it and remember its answer.</summary>
    Apply,

    /// <summary>Applied before: return the first answer and apply nothing.</summary>
    Replay,

    /// <summary>Below the floor: the client already had its answer (or gave it up); nothing is applied.</summary>
    AlreadyConfirmed,

    /// <summary>The store holds no record but the client has confirmed earlier sequences: the record expired or was lost; nothing is applied.</summary>
    UnknownSession,

    /// <summary>The record already keeps <see cref="SessionRecord.MaxAnswers"/> answers; nothing is applied.</summary>
    TooManyInFlight,
}
