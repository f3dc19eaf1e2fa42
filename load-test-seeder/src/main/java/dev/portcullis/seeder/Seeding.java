package dev.portcullis.seeder;

import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * The seeder's own beans, added to the auth service's context (its settings, database,
 * migrations, secrets and signing keys), which the command starts without a web server.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = Seeding.class)
public class Seeding {

}
