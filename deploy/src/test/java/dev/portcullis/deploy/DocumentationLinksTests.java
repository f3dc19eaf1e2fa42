package dev.portcullis.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation a newcomer reads: README.md, the pages under docs/ and every module's
 * README link only to files and headings that exist, and README.md stays short and carries the
 * two commands.
 */
class DocumentationLinksTests {

	@Test
	void linksWhenReadmeDocsAndModuleReadmesAreReadThenEveryFileAndHeadingExists() throws IOException {
		List<Path> files = documentation(Manifests.REPO);
		assertThat(files).as("the documentation files")
			.contains(Manifests.REPO.resolve("README.md"), Manifests.REPO.resolve("docs/deployment.md"),
					Manifests.REPO.resolve("gateway/README.md"));
		List<MarkdownLinks.Link> links = MarkdownLinks.links(files);
		assertThat(links).as("relative links found (a reader that finds none is broken)").hasSizeGreaterThan(20);
		assertThat(MarkdownLinks.broken(Manifests.REPO, links)).as("links to a missing file or heading").isEmpty();
	}

	@Test
	void readmeWhenReadThenUnder200LinesWithTheTwoCommands() throws IOException {
		List<String> readme = Files.readAllLines(Manifests.REPO.resolve("README.md"));
		assertThat(readme).as("README.md lines").hasSizeLessThanOrEqualTo(200);
		assertThat(readme).as("the two commands")
			.anyMatch(line -> line.startsWith("./quickstart "))
			.anyMatch(line -> line.startsWith("./mvnw -B verify "));
	}

	@Test
	void walkthroughWhenReadmeAndQuickstartComparedThenTheSameCommands() throws IOException {
		List<String> readme = Files.readAllLines(Manifests.REPO.resolve("README.md"));
		int section = readme.indexOf("## Try it");
		assertThat(section).as("README.md has a \"## Try it\" section").isNotNegative();
		int open = readme.subList(section, readme.size()).indexOf("```sh") + section;
		int close = readme.subList(open + 1, readme.size()).indexOf("```") + open + 1;
		List<String> fromReadme = readme.subList(open + 1, close);
		List<String> quickstart = Files.readAllLines(Manifests.REPO.resolve("quickstart"));
		int start = quickstart.indexOf(quickstart.stream().filter(line -> line.startsWith("Try it")).findFirst().orElseThrow()) + 1;
		List<String> printed = quickstart.subList(start, quickstart.subList(start, quickstart.size()).indexOf("") + start)
			.stream()
			.map(line -> line.strip().replace("\\$", "$"))
			.toList();
		assertThat(fromReadme).as("the README's walkthrough").hasSizeGreaterThan(5).isEqualTo(printed);
	}

	@Test
	void brokenWhenFileOrHeadingIsMissingThenEachIsReported(@TempDir Path root) throws IOException {
		Files.createDirectories(root.resolve("docs"));
		Files.writeString(root.resolve("docs/page.md"), """
				# Page
				## Setting up: the `first` step
				## Again
				## Again
				""");
		Files.writeString(root.resolve("README.md"), """
				# Readme
				See [the page](docs/page.md), [its step](docs/page.md#setting-up-the-first-step),
				[the second](docs/page.md#again-1), [the folder](docs/) and [here](#readme).
				Broken: [gone](docs/gone.md), [no heading](docs/page.md#setting-up), [no third](docs/page.md#again-2),
				[outside](../elsewhere.md) and [here](#nowhere).
				Not checked: [web](https://example.org/x.md), `[code](missing.md)`.
				```
				[in a code block](missing.md)
				```
				""");
		List<MarkdownLinks.Link> links = MarkdownLinks.links(List.of(root.resolve("README.md")));
		assertThat(links).extracting(MarkdownLinks.Link::target)
			.containsExactly("docs/page.md", "docs/page.md#setting-up-the-first-step", "docs/page.md#again-1", "docs/",
					"#readme", "docs/gone.md", "docs/page.md#setting-up", "docs/page.md#again-2", "../elsewhere.md",
					"#nowhere");
		assertThat(MarkdownLinks.broken(root, links)).hasSize(5)
			.anySatisfy(problem -> assertThat(problem).contains("docs/gone.md: no such file"))
			.anySatisfy(problem -> assertThat(problem).contains("#setting-up: no such heading"))
			.anySatisfy(problem -> assertThat(problem).contains("#again-2: no such heading"))
			.anySatisfy(problem -> assertThat(problem).contains("../elsewhere.md: no such file"))
			.anySatisfy(problem -> assertThat(problem).contains("#nowhere: no such heading"));
	}

	@Test
	void anchorWhenHeadingHasPunctuationCodeAndLinksThenFollowsGitHub() {
		assertThat(MarkdownLinks.anchor("Revocation: several replicas and the feed"))
			.isEqualTo("revocation-several-replicas-and-the-feed");
		assertThat(MarkdownLinks.anchor("HTTP API (auth service, reached through the gateway under `/auth`)"))
			.isEqualTo("http-api-auth-service-reached-through-the-gateway-under-auth");
		assertThat(MarkdownLinks.anchor("The sessions file: `seed-sessions`")).isEqualTo("the-sessions-file-seed-sessions");
		assertThat(MarkdownLinks.anchor("Why `token_missing` is refreshed too")).isEqualTo("why-token_missing-is-refreshed-too");
		assertThat(MarkdownLinks.anchor("See [the page](x.md) — twice")).isEqualTo("see-the-page--twice");
	}

	/** README.md, every page under docs/ and the README.md of every top-level folder. */
	static List<Path> documentation(Path repo) throws IOException {
		List<Path> files = new ArrayList<>();
		files.add(repo.resolve("README.md"));
		try (Stream<Path> docs = Files.walk(repo.resolve("docs"))) {
			docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(files::add);
		}
		try (Stream<Path> folders = Files.list(repo)) {
			folders.map(folder -> folder.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(files::add);
		}
		return files;
	}

}
