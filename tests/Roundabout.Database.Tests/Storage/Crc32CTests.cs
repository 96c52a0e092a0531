using System.Text;
using Roundabout.Database.Storage;

namespace Roundabout.Database.Tests.Storage;

[Trait(Tier.Name, Tier.Unit)]
public sealed class Crc32CTests
{
    [Fact]
    public void Compute_CheckValue_MatchesRfc3720() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Append_InPieces_EqualsOneShot()
    {
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var chained = Crc32C.Append(Crc32C.Append(Crc32C.Compute(data.AsSpan(0, 13)), data.AsSpan(13, 500)), data.AsSpan(513));
        Assert.Equal(Crc32C.Compute(data), chained);
    }

    [Fact]
    public void Compute_32ZeroBytes_MatchesRfc3720() =>
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
}
