using System.Reflection;

namespace Flepimop2.Tests.Common;

/// <summary>
/// Keeps the unit run (<c>scripts/test.sh --unit</c>, a filter on the trait <see cref="Needs.Trait"/>) from drifting: every
/// test of a class that uses a fixture marked <see cref="FixtureNeedsAttribute"/> (as its own fixture, or through its
/// collection) carries the trait with that value. Compiled into each test assembly, it checks that assembly.
/// </summary>
public sealed class NeedsGuardSpecs
{
    [Fact]
    public void Every_test_that_uses_a_daemons_fixture_carries_the_trait_that_keeps_it_out_of_the_unit_run()
    {
        var problems = Problems(typeof(NeedsGuardSpecs).Assembly.GetExportedTypes());

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_guard_names_a_test_without_the_trait_its_fixture_needs_and_passes_one_with_it()
    {
        var problems = Problems([typeof(Untagged), typeof(TaggedClass), typeof(TaggedMethod), typeof(InCollection), typeof(Unrelated)]);

        Assert.Equal(
            [
                $"{typeof(Untagged).FullName}.{nameof(Untagged.Runs)} uses {typeof(SampleFixture).FullName} but has no [Trait(\"Needs\", \"slurm\")]",
                $"{typeof(InCollection).FullName}.{nameof(InCollection.Runs)} uses {typeof(SampleFixture).FullName} but has no [Trait(\"Needs\", \"slurm\")]",
            ],
            problems);
    }

    /// <summary>Each test method that lacks the trait a fixture it uses needs, as a sentence.</summary>
    private static List<string> Problems(IEnumerable<Type> types)
    {
        var all = types.ToList();
        var definitions = typeof(NeedsGuardSpecs).Assembly.GetTypes().Concat(all)
            .Select(t => (Type: t, Name: t.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(CollectionDefinitionAttribute))?.ConstructorArguments.FirstOrDefault().Value as string))
            .Where(d => d.Name is not null)
            .DistinctBy(d => d.Type)
            .ToList();
        var problems = new List<string>();
        foreach (var type in all.Where(t => t.IsClass && !t.IsAbstract))
        {
            var fixtures = Fixtures(type, definitions).ToList();
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any()))
            {
                var traits = Traits(type).Concat(Traits(method)).ToHashSet();
                foreach (var fixture in fixtures)
                {
                    var needs = fixture.GetCustomAttribute<FixtureNeedsAttribute>()!.What;
                    if (!traits.Contains((Needs.Trait, needs)))
                    {
                        problems.Add($"{type.FullName}.{method.Name} uses {fixture.FullName} but has no [Trait(\"{Needs.Trait}\", \"{needs}\")]");
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>The fixtures a test class uses that need a daemon: its constructor's, its class fixtures, its collection's.</summary>
    private static IEnumerable<Type> Fixtures(Type type, List<(Type Type, string? Name)> definitions)
    {
        var collection = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(CollectionAttribute))?.ConstructorArguments.FirstOrDefault().Value as string;
        var fromCollection = definitions.Where(d => d.Name == collection).SelectMany(d => FixtureArguments(d.Type, typeof(ICollectionFixture<>)));
        var fromConstructor = type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType);
        return fromCollection.Concat(fromConstructor).Concat(FixtureArguments(type, typeof(IClassFixture<>)))
            .Where(t => t.GetCustomAttribute<FixtureNeedsAttribute>() is not null)
            .Distinct();
    }

    private static IEnumerable<Type> FixtureArguments(Type type, Type generic) =>
        type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic).Select(i => i.GetGenericArguments()[0]);

    /// <summary>The traits on a class (and the classes it derives from) or a method, read from the attributes' arguments.</summary>
    private static IEnumerable<(string, string)> Traits(MemberInfo member)
    {
        for (var current = member; current is not null; current = (current as Type)?.BaseType)
        {
            foreach (var trait in current.GetCustomAttributesData().Where(a => a.AttributeType == typeof(TraitAttribute)))
            {
                yield return ((string)trait.ConstructorArguments[0].Value!, (string)trait.ConstructorArguments[1].Value!);
            }
        }
    }

    // Samples for the guard's own test. They are not public, so xunit neither runs them nor provides their fixtures.
#pragma warning disable xUnit1000, xUnit1027, xUnit1041 // Public test and collection classes, fixture sources: these are samples, not tests.
    [FixtureNeeds(Needs.Slurm)]
    private sealed class SampleFixture;

    [CollectionDefinition("needs-guard-sample")]
    private sealed class SampleGroup : ICollectionFixture<SampleFixture>;

    private sealed class Untagged(SampleFixture fixture)
    {
        [Fact]
        public void Runs() => Assert.NotNull(fixture);
    }

    [Trait(Needs.Trait, Needs.Slurm)]
    private sealed class TaggedClass(SampleFixture fixture)
    {
        [Fact]
        public void Runs() => Assert.NotNull(fixture);
    }

    private sealed class TaggedMethod(SampleFixture fixture)
    {
        [Fact]
        [Trait(Needs.Trait, Needs.Slurm)]
        public void Runs() => Assert.NotNull(fixture);
    }

    [Collection("needs-guard-sample")]
    private sealed class InCollection
    {
        [Fact]
        public void Runs() => Assert.True(true);
    }

    private sealed class Unrelated
    {
        [Fact]
        public void Runs() => Assert.True(true);
    }
#pragma warning restore xUnit1000, xUnit1027, xUnit1041
}
