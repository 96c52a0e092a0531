using System.Reflection;

namespace Roundabout.Tests.Shared;

/// <summary>
/// Compiled into every test project (tests/Directory.Build.props): each class of this assembly
/// that has a test carries the <see cref="Tier"/> trait, so <c>--filter Tier=unit</c> (or host,
/// or process) picks every test of its tier and none is left out of all three.
/// </summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class TierTraitTests
{
    private static readonly HashSet<string> _tiers = new(StringComparer.Ordinal) { Tier.Unit, Tier.Host, Tier.Process };

    [Fact]
    public void EveryTestClass_CarriesOneTierTrait()
    {
        var missing = typeof(TierTraitTests).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && HasTests(type))
            .Where(type => TiersOf(type).Count(_tiers.Contains) != 1)
            .Select(type => type.FullName)
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.True(missing.Length == 0, "test classes without exactly one [Trait(Tier.Name, Tier.Unit|Host|Process)]: " + string.Join(", ", missing));
    }

    private static bool HasTests(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Any(m => m.IsDefined(typeof(FactAttribute), inherit: true));

    /// <summary>
    /// The Tier values on the class and its base classes (a conformance suite's derived class may
    /// carry it). xunit's TraitAttribute keeps its name and value only as constructor arguments.
    /// </summary>
    private static IEnumerable<string> TiersOf(Type type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var trait in current.GetCustomAttributesData().Where(a => a.AttributeType == typeof(TraitAttribute)))
            {
                if (trait.ConstructorArguments is [{ Value: Tier.Name }, { Value: string value }])
                {
                    yield return value;
                }
            }
        }
    }
}
