/**
 * The printer protocol shared by all formats: project each record, print it
 * (streaming formats) or collect it (table), then finish. Mirrors gcloud's
 * base printer so record/list handling matches: a falsy resource prints
 * nothing (JSON prints `[]`), a single resource is printed undelimited and a
 * list prints each item delimited.
 */
import { FormatError, TransformCrash } from './errors';
import { Projector, type ProjectorOptions } from './projector';
import { isObject, pyTruthy } from './python';
import type { AttributeValue, ProjectionSpec } from './spec';

export interface PrinterOptions extends ProjectorOptions {
  /** The format needs keys, e.g. `table(name)`, not `table`. */
  nonEmptyProjectionRequired?: boolean;
}

/**
 * Makes the printer a nested format names (a table column's `:format=`, a multi() key's), with the
 * parent's transforms; null where the format names no printer (gcloud then prints nothing for it).
 */
export type NestedPrinters = (format: string) => ResourcePrinter | null;

export abstract class ResourcePrinter {
  protected out = '';
  protected readonly attributes: Map<string, AttributeValue>;
  private readonly projector: Projector;
  private readonly nonEmptyProjectionRequired: boolean;

  constructor(
    protected readonly name: string,
    protected readonly spec: ProjectionSpec,
    options: PrinterOptions = {},
  ) {
    this.attributes = spec.attributes;
    this.projector = new Projector(spec, options);
    this.nonEmptyProjectionRequired = options.nonEmptyProjectionRequired ?? false;
  }

  /**
   * Prints a single resource (`single`) or each item of a list; returns the text. `message`: the single
   * resource is an API message, which Python holds true even when it has no fields (`{}`).
   */
  print(resources: unknown, single: boolean, message = false): string {
    if (this.attributes.has('disable')) return '';
    this.requireProjection();
    try {
      if (pyTruthy(resources) || (single && message && isObject(resources))) {
        if (single || !Array.isArray(resources)) {
          this.addRecord(resources, false);
        } else {
          for (const resource of resources) this.addRecord(resource, true);
        }
      }
    } catch (error) {
      // gcloud's printer still finishes (a table prints its rows so far, json closes its list).
      if (error instanceof FormatError || error instanceof TransformCrash) {
        this.finish();
        error.printed = this.out;
      }
      throw error;
    }
    this.finish();
    return this.out;
  }

  /**
   * gcloud's Print() as a nested printer is called: a list prints item by item, anything else as one
   * record; `intermediate` leaves the printer open for more (finish() ends it).
   */
  printNested(resources: unknown, intermediate = false): void {
    if (this.attributes.has('disable')) return;
    this.requireProjection();
    try {
      if (pyTruthy(resources)) {
        if (!Array.isArray(resources)) this.addRecord(resources, intermediate);
        else for (const resource of resources) this.addRecord(resource, true);
      }
    } finally {
      if (!intermediate) this.finish();
    }
  }

  /** gcloud's PrintSingleRecord(): the record printed whatever it is (None too), then finished. */
  printSingleRecord(record: unknown): void {
    this.addRecord(record, false);
    this.finish();
  }

  /** What the printer has printed since this was last called. */
  takeOutput(): string {
    const out = this.out;
    this.out = '';
    return out;
  }

  private requireProjection(): void {
    if (this.nonEmptyProjectionRequired && !this.spec.getColumns().length) {
      throw new FormatError(
        `Format [${this.name}] requires a non-empty projection. ` +
          `Use key parameters to specify a projection like so \`${this.name}(foo, bar.baz)\``,
      );
    }
  }

  private addRecord(record: unknown, delimit: boolean): void {
    this.writeRecord(this.processRecord(record), delimit);
  }

  /** Projects a resource into what writeRecord() prints. */
  protected processRecord(record: unknown): unknown {
    return this.projector.evaluate(record);
  }

  protected attribute(name: string, fallback: string): string {
    const value = this.attributes.get(name);
    return value === undefined || value === null ? fallback : String(value);
  }

  /** Prints (or buffers) one projected record. */
  protected abstract writeRecord(record: unknown, delimit: boolean): void;

  /** Prints whatever was buffered; called once after all records (each Print, for a nested printer). */
  finish(): void {}
}

/** `none`: consumes the resources and prints nothing. */
export class NonePrinter extends ResourcePrinter {
  protected writeRecord(): void {}
}
