package dev.portcullis.auth.config;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Key rotation checks and the purge run on schedules; tests may switch them off. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "portcullis.auth.scheduling.enabled", havingValue = "true", matchIfMissing = true)
class SchedulingConfiguration {

}
