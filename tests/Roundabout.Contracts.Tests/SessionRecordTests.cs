using System.Text;
using Roundabout.Contracts.Sessions;

namespace Roundabout.Contracts.Tests;

/// <summary>The one rule every store follows for client sessions.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class SessionRecordTests
{
    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private static SessionRecord Parse(string text)
    {
        Assert.True(SessionRecord.TryDecode(Bytes(text), out var record), $"'{text}' parses");
        return record;
    }

    [Fact]
    public void Decide_NewSession_AppliesAndTheRecordKeepsTheAnswer()
    {
        var decision = SessionRecord.Decide(null, 1, 1, out var record, out var answer, out _);
        record.Remember(1, Bytes("42"));

        Assert.Equal(SessionDecision.Apply, decision);
        Assert.Null(answer);
        Assert.Equal("1 1=42", record.ToString());
    }

    [Fact]
    public void Decide_KeptAnswer_IsAReplayOfTheFirstResult()
    {
        var decision = SessionRecord.Decide(Parse("1 1=42 2=84"), 2, 1, out _, out var answer, out var changed);

        Assert.Equal(SessionDecision.Replay, decision);
        Assert.Equal("84", Encoding.ASCII.GetString(answer!));
        Assert.False(changed);
    }

    [Fact]
    public void Decide_AHigherFloor_DropsTheAnswersBelowIt()
    {
        var decision = SessionRecord.Decide(Parse("1 1=42 2=84 4=168"), 5, 4, out var record, out _, out var changed);

        Assert.Equal(SessionDecision.Apply, decision);
        Assert.True(changed);
        Assert.Equal("4 4=168", record.ToString());
    }

    [Fact]
    public void Decide_ALowerFloorThanStored_DoesNotMoveItBack()
    {
        SessionRecord.Decide(Parse("5 6=1"), 7, 3, out var record, out _, out var changed);

        Assert.Equal(5UL, record.Floor);
        Assert.False(changed);
    }

    [Fact]
    public void Decide_BelowTheFloor_IsAlreadyConfirmed()
    {
        Assert.Equal(SessionDecision.AlreadyConfirmed, SessionRecord.Decide(Parse("5 6=1"), 4, 4, out _, out _, out _));
    }

    [Theory]
    [InlineData(2UL)]
    [InlineData(100UL)]
    public void Decide_NoRecordButAFloorAboveOne_IsAnUnknownSession(ulong floor)
    {
        Assert.Equal(SessionDecision.UnknownSession, SessionRecord.Decide(null, floor, floor, out _, out _, out var changed));
        Assert.False(changed);
    }

    [Fact]
    public void Decide_RecordFull_RefusesNewSequencesButStillReplays()
    {
        var record = SessionRecord.Empty();
        for (ulong s = 1; s <= (ulong)SessionRecord.MaxAnswers; s++)
        {
            record.Remember(s, Bytes("1"));
        }

        var full = SessionRecord.Decide(record, (ulong)SessionRecord.MaxAnswers + 1, 1, out _, out _, out _);
        var replay = SessionRecord.Decide(record, 7, 1, out _, out _, out _);

        Assert.Equal(SessionDecision.TooManyInFlight, full);
        Assert.Equal(SessionDecision.Replay, replay);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("3 3=-7 9=0")]
    [InlineData("18446744073709551615")]
    public void EncodeDecode_RoundTrips(string text)
    {
        Assert.Equal(text, Parse(text).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("x")]
    [InlineData("5 4=1")]
    [InlineData("1 2=")]
    [InlineData("1 =3")]
    [InlineData("1 2=3 2=4")]
    [InlineData("1  2=3")]
    [InlineData("18446744073709551616")]
    public void TryDecode_NotARecord_IsRefused(string text)
    {
        Assert.False(SessionRecord.TryDecode(Bytes(text), out _));
    }

    [Theory]
    [InlineData(0UL, 1UL)]
    [InlineData(1UL, 0UL)]
    [InlineData(3UL, 4UL)]
    public void Validate_ImpossibleFields_SaysWhy(ulong sequence, ulong floor)
    {
        Assert.NotNull(SessionRecord.Validate(sequence, floor));
    }
}
