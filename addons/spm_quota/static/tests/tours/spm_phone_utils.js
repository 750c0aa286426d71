/**
 * Steps shared by the tours run at a phone's size (390 x 844, touch).
 */

/**
 * Fail unless every element matching each selector (a CSS selector, or an
 * element) is shown and lies within the viewport's width, and the page does
 * not scroll sideways.
 */
export function assertOnScreen(...selectors) {
    const width = document.documentElement.clientWidth;
    for (const selector of selectors) {
        const elements =
            selector instanceof Element ? [selector] : [...document.querySelectorAll(selector)];
        if (!elements.length) {
            throw new Error(`Nothing matches ${selector}`);
        }
        for (const element of elements) {
            const rect = element.getBoundingClientRect();
            if (!rect.width || !rect.height) {
                throw new Error(`${selector} is not shown`);
            }
            if (rect.left < 0 || rect.right > width + 0.5) {
                throw new Error(
                    `${selector} is off screen: ${rect.left}-${rect.right} px, the viewport is ${width} px wide`
                );
            }
        }
    }
    if (document.documentElement.scrollWidth > width + 1) {
        throw new Error(`The page scrolls sideways: ${document.documentElement.scrollWidth} px for ${width} px`);
    }
}

/** Fail unless the tour runs at a phone's width. */
export function assertPhone() {
    if (window.innerWidth > 420) {
        throw new Error(`The tour runs at a phone's width, not ${window.innerWidth} px`);
    }
}

/**
 * Steps choosing a many2one's value on a phone: tapping the field opens a
 * full-screen search of its records (Odoo's small-screen many2one), where
 * the person searches for the name and taps its card.
 */
export function pickOnPhone(fieldSelector, name) {
    const dialog = ".modal:has(.o_kanban_renderer)";
    const card = `${dialog} .o_kanban_record:not(.o_kanban_ghost):contains(${name})`;
    return [
        {
            content: `Tap the field to choose ${name}`,
            trigger: fieldSelector,
            run: "click",
        },
        {
            content: "Show the search",
            trigger: `${dialog} .o_control_panel button:has(.fa-search)`,
            run: "click",
        },
        {
            content: `Search for ${name}`,
            trigger: `${dialog} .o_searchview_input`,
            run: `edit ${name}`,
        },
        {
            trigger: `${dialog} .o_searchview_input`,
            run: "press Enter",
        },
        {
            content: `Tap ${name}, within the screen`,
            trigger: card,
            run(helpers) {
                assertOnScreen(helpers.anchor);
                return helpers.click();
            },
        },
        {
            content: "Back to the form",
            trigger: "body:not(:has(.modal .o_kanban_renderer))",
        },
    ];
}
